"""La sauvegarde et la restauration que décrit le README (« Sécurité et fiabilité ») : `pg_dump` d'une base peuplée
et une archive du dossier des médias, puis `pg_restore` dans une base neuve et l'archive dépliée ailleurs. Chaque
ligne de chaque table, chaque séquence, chaque rapport gelé (ses octets et son SHA-256) et chaque fichier des
médias reviennent à l'identique.

Sur une instance PostgreSQL propre à la session (tests/postgresql_jetable.py), avec les options mêmes du README.
"""

import hashlib
import os
import subprocess
import tarfile

import pytest

from tests.postgresql_jetable import BINAIRES
from tests.protocole.conftest import copie_de_la_base_migree, environnement_serveur, manage

# Après le texte signé (`charger_protocole`) : du suivi écrit par les méthodes des modèles (actions, journal de
# plusieurs mises à jour chacune, verdicts), une réunion du comité, trois versions gelées de son rapport dont le
# contenu passe par les 256 valeurs d'octet (un bytea mal restauré se verrait), et un visa. Les données de
# démonstration (`manage.py demo`) diraient la même chose en 25 s de plus.
SUIVI = """
import datetime, os
from django.utils import timezone
from engagements.models import Obligation, Statut, Verdict
from comite.models import RapportArchive, Reunion, Visa
from protocole.models import Protocole
from signataires.models import Habilitation, Organisation
from tests.factories import UtilisateurFactory
from tests.factories_suivi import ActionFactory

protocole = Protocole.objects.get()
aujourd_hui = timezone.localdate()
organisation = Organisation.objects.order_by("nom").first()
coordination = UtilisateurFactory()
Habilitation.objects.create(
    utilisateur=coordination, protocole=protocole, organisation=organisation, role=Habilitation.Role.COORDINATEUR
)
obligations = list(Obligation.objects.filter(protocole=protocole).order_by("pk")[:20])
for rang, obligation in enumerate(obligations):
    action = ActionFactory(
        obligation=obligation, pilote=organisation, auteur=coordination, date_effet=aujourd_hui - datetime.timedelta(99)
    )
    for jour in range(4):
        action.enregistrer(
            auteur=coordination,
            date_effet=aujourd_hui - datetime.timedelta(days=90 - 20 * jour),
            commentaire=f"Point d'étape n° {jour} — « accents », guillemets \\"doubles\\" et retour\\nà la ligne",
            avancement=10 + 15 * jour,
            statut=Statut.BLOQUE if jour == 3 else Statut.EN_COURS,
        )
    if rang % 3 == 0:
        Verdict.donner(obligation, auteur=coordination, valeur="tenu", date_effet=aujourd_hui, motif="Revue annuelle")
reunion = Reunion.objects.create(protocole=protocole, date=aujourd_hui, titre="Comité de pilotage")
for version in range(1, 4):
    contenu = b"%PDF-1.7\\n" + bytes(range(256)) * 40 + os.urandom(20000)
    archive = RapportArchive.objects.create(
        reunion=reunion, version=version, contenu=contenu, au=aujourd_hui, depuis=aujourd_hui,
        gele_par=coordination, motif=f"version {version}",
    )
Visa.objects.create(archive=archive, organisation=organisation, utilisateur=coordination)
"""


# L'empreinte d'une table : celle de ses lignes, chacune sous sa forme texte, dans un ordre qui ne dépend que d'elles.
EMPREINTE = "md5(coalesce(string_agg(md5(t::text), ',' ORDER BY md5(t::text)), ''))"


def empreintes_de_la_base(instance, base):
    """Pour chaque table : (nombre de lignes, empreinte de toutes ses lignes) ; pour chaque séquence : sa valeur."""
    with instance.connexion(base) as connexion:
        tables = [
            ligne[0]
            for ligne in connexion.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        empreintes = {
            table: connexion.execute(f'SELECT count(*), {EMPREINTE} FROM "{table}" t').fetchone() for table in tables
        }
        sequences = [
            ligne[0] for ligne in connexion.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")
        ]
        for sequence in sequences:
            empreintes[sequence] = connexion.execute(f'SELECT last_value, is_called FROM "{sequence}"').fetchone()
        archives = {
            pk: (sha256, hashlib.sha256(bytes(contenu)).hexdigest())
            for pk, sha256, contenu in connexion.execute("SELECT id, sha256, contenu FROM protocole_rapportarchive")
        }
    return empreintes, archives


def empreintes_des_fichiers(dossier):
    return {
        str(chemin.relative_to(dossier)): hashlib.sha256(chemin.read_bytes()).hexdigest()
        for chemin in sorted(dossier.rglob("*"))
        if chemin.is_file()
    }


@pytest.fixture
def base_peuplee(instance_postgresql, base_migree, tmp_path):
    """Une base avec le texte signé, du suivi, des rapports gelés et un visa, et son dossier des médias."""
    base = copie_de_la_base_migree(instance_postgresql, base_migree)
    medias = tmp_path / "medias"
    env = environnement_serveur(instance_postgresql.url(base), MEDIA_ROOT=str(medias))
    manage(env, "charger_protocole")
    manage(env, "shell", "-c", SUIVI)
    # Le cache des rapports tel que l'application le range (MEDIA_ROOT/cache-rapports), et un fichier binaire.
    (medias / "cache-rapports").mkdir(parents=True)
    for rang in range(3):
        (medias / "cache-rapports" / f"{rang:064x}.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(50000))
    return base, medias


def test_pg_dump_and_pg_restore_of_a_populated_database_and_its_media_lose_nothing(
    instance_postgresql, base_peuplee, tmp_path
):
    base, medias = base_peuplee
    avant, archives_avant = empreintes_de_la_base(instance_postgresql, base)
    fichiers_avant = empreintes_des_fichiers(medias)
    assert avant["engagements_entree"][0] > 200
    assert avant["engagements_action"][0] == 20
    assert avant["protocole_visa"][0] == 1
    assert len(archives_avant) >= 3
    assert all(stocke == recalcule for stocke, recalcule in archives_avant.values())
    assert len(fichiers_avant) == 3

    # Sauvegarde, comme le README : la base au format custom de pg_dump, le dossier des médias en tar.gz.
    sauvegarde = tmp_path / "suivi.dump"
    subprocess.run(
        [BINAIRES / "pg_dump", "--format=custom", f"--file={sauvegarde}", instance_postgresql.url(base)],
        check=True,
        capture_output=True,
    )
    with tarfile.open(tmp_path / "medias.tar.gz", "w:gz") as archive:
        archive.add(medias, arcname=".")

    # Restauration dans une base neuve et un dossier neuf.
    instance_postgresql.creer_base("restauree")
    subprocess.run(
        [
            BINAIRES / "pg_restore",
            "--no-owner",
            "--exit-on-error",
            f"--dbname={instance_postgresql.url('restauree')}",
            sauvegarde,
        ],
        check=True,
        capture_output=True,
    )
    restaures = tmp_path / "medias-restaures"
    with tarfile.open(tmp_path / "medias.tar.gz") as archive:
        archive.extractall(restaures, filter="data")

    apres, archives_apres = empreintes_de_la_base(instance_postgresql, "restauree")
    assert apres == avant
    assert archives_apres == archives_avant
    assert empreintes_des_fichiers(restaures) == fichiers_avant
    # L'application reconnaît la base restaurée comme la sienne : aucune migration n'y manque.
    manage(environnement_serveur(instance_postgresql.url("restauree")), "migrate", "--check")
