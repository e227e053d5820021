#!/usr/bin/env bash
# Refait la copie d'axe-core qu'injectent les tests d'accessibilité (tests/navigateur/test_accessibilite.py) : le
# fichier axe.min.js du paquet npm, tel quel, avec ses licences (MPL-2.0). La copie est gardée dans le dépôt pour que
# `make test` et la CI tournent sans npm ni réseau ; ce script ne sert qu'à la mettre à jour (changer VERSION et
# INTEGRITE, la valeur `dist.integrity` que donne `npm view axe-core@VERSION dist.integrity`).
set -euo pipefail
VERSION=4.14.1
INTEGRITE="sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="

ici="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "axe-core@$VERSION" >/dev/null
archive="axe-core-$VERSION.tgz"
calculee="sha512-$(openssl dgst -sha512 -binary "$archive" | base64 -w0)"
if [ "$calculee" != "$INTEGRITE" ]; then
  echo "Empreinte inattendue pour $archive : $calculee" >&2
  exit 1
fi
tar -xzf "$archive"
cp package/axe.min.js package/LICENSE package/LICENSE-3RD-PARTY.txt "$ici/"
echo "axe-core $VERSION copié dans $ici"
