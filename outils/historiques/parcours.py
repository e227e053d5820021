"""Tirer les histoires d'un protocole : quelles actions, sur quelles obligations, et ce qui leur arrive (sans dates)."""

from decimal import Decimal

from engagements.models.regles import STATUTS_CLOS, Statut, ValeurVerdict
from outils.historiques.plan import (
    COMMENTAIRE_DEBLOCAGE,
    COMMENTAIRES_ARCHIVAGE,
    COMMENTAIRES_ECHEANCE,
    COMMENTAIRES_NOTE,
    ECHEANCE,
    NOMBRE_VERDICTS,
    NOMBRE_VERDICTS_REVUS,
    PART_ARCHIVEES,
    PART_EN_RETARD,
    PART_RATTACHEES,
    PART_SANS_NOUVELLES,
    POIDS_STATUT_FINAL,
    Evenement,
    Histoire,
    choix,
)


def planifier(rng, ctx, nombre):
    """`nombre` histoires réparties sur toutes les obligations de `ctx` (autant que possible sur chacune)."""
    obligations = ctx.obligations
    nombres = dict.fromkeys((c.pk for c in obligations), nombre // len(obligations))
    for cible in rng.sample(obligations, nombre % len(obligations)):
        nombres[cible.pk] += 1
    poids = [lieu.poids for lieu in ctx.quartiers]
    statuts, poids_statuts = zip(*POIDS_STATUT_FINAL.items(), strict=True)

    histoires = []
    for cible in obligations:
        candidats = ctx.membres.get(cible.partie) or ctx.organisations[:1]
        for _ in range(nombres[cible.pk]):
            pilote = rng.choices(candidats, weights=[3 if ctx.equipes.get(o) else 1 for o in candidats])[0]
            tirage = rng.random()
            if tirage < 0.15:
                territoire, choisis = True, []
            elif tirage < 0.7:
                territoire, choisis = False, rng.choices(ctx.quartiers, weights=poids)
            else:
                territoire, choisis = False, rng.sample(ctx.quartiers, min(len(ctx.quartiers), rng.choice([2, 2, 3])))
            final = rng.choices(statuts, weights=poids_statuts)[0]
            demarree = final != Statut.A_VENIR and rng.random() < 0.45
            histoire = Histoire(
                obligation=cible,
                titre=ctx.titre(rng, cible, choisis, territoire),
                description=ctx.description(cible),
                pilote=pilote,
                referent=choisir_referent(rng, ctx, pilote),
                territoire=territoire,
                quartiers=sorted(set(choisis), key=lambda lieu: lieu.ordre),
                partenaires=rng.sample([o for o in ctx.organisations if o != pilote], rng.choice([0, 0, 1, 1, 2, 3])),
                budget=Decimal(rng.randrange(2, 160) * 1000) if rng.random() < 0.6 else None,
                statut=Statut.EN_COURS if demarree else Statut.A_VENIR,
                avancement=10 if demarree else 0,
                statut_final=final,
                avec_debut=rng.random() < 0.85,
            )
            evenements(rng, ctx, histoire, candidats)
            histoires.append(histoire)

    rattacher(rng, ctx, histoires, round(PART_RATTACHEES * nombre))
    for histoire in rng.sample(histoires, round(PART_ARCHIVEES * nombre)):
        histoire.archivee = True
        histoire.evenements.append(Evenement({"archivee": True}, rng.choice(COMMENTAIRES_ARCHIVAGE)))
    ouvertes = [h for h in histoires if h.ouverte]
    for histoire in rng.sample(ouvertes, round(PART_SANS_NOUVELLES * len(ouvertes))):
        histoire.sans_nouvelles = True
    for histoire in rng.sample(ouvertes, round(PART_EN_RETARD * len(ouvertes))):
        histoire.en_retard = True
    for histoire in ouvertes:
        reportee = any(ECHEANCE is e.changements.get("echeance") for e in histoire.evenements)
        histoire.avec_echeance = histoire.en_retard or reportee or rng.random() > 0.06
    fixes = [h for h in histoires if not h.territoire and not change_quartiers(h)]
    for lieu in ctx.quartiers:  # chaque quartier a au moins une action qui le nomme
        if fixes and not any(lieu in h.quartiers for h in fixes):
            fixes[0].quartiers.append(lieu)
    for histoire in histoires:
        attribuer_auteurs(histoire, ctx.coordinateur)
    return histoires


def choisir_referent(rng, ctx, pilote):
    equipe = ctx.equipes.get(pilote)
    if equipe:
        return rng.choice(equipe)
    return ctx.coordinateur if rng.random() < 0.3 else None


def change_quartiers(histoire):
    return any("quartiers" in e.changements for e in histoire.evenements)


def evenements(rng, ctx, histoire, candidats):
    """Le parcours du statut jusqu'au statut final, puis quelques changements d'échéance, de référent, de pilote ou
    de quartiers, des commentaires seuls et des corrections glissés avant la clôture."""
    final, avancement = histoire.statut_final, histoire.avancement
    parcours = []

    def progresser():
        nonlocal avancement
        if avancement < 90:
            avancement = min(95, avancement + rng.choice([10, 15, 20, 25, 30]))
            parcours.append(Evenement({"avancement": avancement}))

    if final != Statut.A_VENIR:
        if histoire.statut == Statut.A_VENIR and (final != Statut.ABANDONNE or rng.random() < 0.5):
            changements = {"statut": Statut.EN_COURS}
            if rng.random() < 0.4:
                avancement = changements["avancement"] = rng.choice([5, 10, 15, 20])
            parcours.append(Evenement(changements, choix(rng, Statut.EN_COURS)))
        if final == Statut.EN_COURS:
            if rng.random() < 0.1:
                parcours.append(Evenement({"statut": Statut.BLOQUE}, choix(rng, Statut.BLOQUE)))
                parcours.append(Evenement({"statut": Statut.EN_COURS}, COMMENTAIRE_DEBLOCAGE))
            for _ in range(rng.choice([0, 0, 1])):
                progresser()
        elif final in (Statut.EN_PAUSE, Statut.BLOQUE):
            if rng.random() < 0.3:
                progresser()
            parcours.append(Evenement({"statut": final}, choix(rng, final)))
        elif final == Statut.REALISE:
            if rng.random() < 0.5:
                progresser()
            parcours.append(Evenement({"statut": final, "avancement": 100}, choix(rng, final)))
        else:
            parcours.append(Evenement({"statut": final}, choix(rng, final)))

    cloture = parcours.pop() if final in STATUTS_CLOS else None
    extras = []
    if rng.random() < (0.3 if cloture is None else 0.15):
        extras.append(Evenement({"echeance": ECHEANCE}, rng.choice(COMMENTAIRES_ECHEANCE)))
    tirage = rng.random()
    equipe = [u for u in ctx.equipes.get(histoire.pilote, []) if u != histoire.referent]
    autres_pilotes = [o for o in candidats if o != histoire.pilote]
    if tirage < 0.08 and equipe:
        nouveau = rng.choice(equipe)
        extras.append(Evenement({"referent": nouveau}, f"{ctx.noms[nouveau]} reprend le suivi."))
    elif tirage < 0.13 and autres_pilotes:
        pilote = rng.choice(autres_pilotes)
        referent = choisir_referent(rng, ctx, pilote)
        extras.append(Evenement({"pilote": pilote, "referent": referent}, "Pilotage transféré à un autre partenaire."))
    if rng.random() < 0.08:
        extras.append(Evenement({"quartiers": autres_quartiers(rng, ctx, histoire)}, "Périmètre revu."))
    if rng.random() < (0.15 if cloture is None else 0.05):
        extras.append(Evenement({}, rng.choice(COMMENTAIRES_NOTE)))  # un commentaire seul : une note au journal
    if rng.random() < 0.15:
        extras.append(correction(rng, histoire, autres_pilotes or ctx.organisations))
    for extra in extras:
        parcours.insert(rng.randint(0, len(parcours)), extra)
    if cloture:
        parcours.append(cloture)
    histoire.evenements = parcours


def autres_quartiers(rng, ctx, histoire):
    """(tout le territoire, quartiers) après un changement de périmètre."""
    if histoire.territoire:
        return (False, [rng.choice(ctx.quartiers).pk])
    if len(histoire.quartiers) == 1:
        autres = [lieu for lieu in ctx.quartiers if lieu not in histoire.quartiers]
        if autres:
            return (False, [*(lieu.pk for lieu in histoire.quartiers), rng.choice(autres).pk])
    return (True, [])


def correction(rng, histoire, organisations):
    """Une correction (titre, description, début, budget ou partenaires) : journalisée, sans être une nouvelle de
    l'avancement."""
    sorte = rng.choice(["titre", "description", "date_debut", "budget", "partenaires"])
    if sorte == "titre":
        return Evenement({"libres": {"titre": f"{histoire.titre} (intitulé précisé)"}}, "Intitulé précisé.")
    if sorte == "description":
        return Evenement({"libres": {"description": f"{histoire.description} Reprise après le comité technique."}})
    if sorte == "date_debut" and histoire.avec_debut:
        return Evenement({"libres": {"date_debut": None}}, "Date de début saisie par erreur, retirée.")
    autres = [o for o in organisations if o != histoire.pilote and o not in histoire.partenaires]
    if sorte == "partenaires" and autres:
        return Evenement(
            {"partenaires": [*histoire.partenaires, rng.choice(autres)]}, "Un partenaire rejoint l'action."
        )
    budget = Decimal(rng.randrange(2_000, 80_000, 500))
    return Evenement({"libres": {"budget": budget}}, "Budget revu au vote du budget supplémentaire.")


def rattacher(rng, ctx, histoires, nombre):
    """`nombre` actions rattachées après coup à une autre obligation du même bloc."""
    possibles = [h for h in histoires if len(ctx.par_bloc[h.obligation.bloc]) > 1]
    for histoire in rng.sample(possibles, min(nombre, len(possibles))):
        nouvelle = rng.choice([c for c in ctx.par_bloc[histoire.obligation.bloc] if c != histoire.obligation])
        evenement = Evenement({"obligation": nouvelle.pk}, f"Rattachée à {nouvelle.reference}.")
        histoire.evenements.insert(rng.randint(0, len(histoire.evenements)), evenement)


def attribuer_auteurs(histoire, coordinateur):
    """Le référent du moment écrit ; sans référent, la coordination."""
    referent = histoire.referent
    histoire.auteur = referent or coordinateur
    for evenement in histoire.evenements:
        evenement.auteur = referent or coordinateur
        if "referent" in evenement.changements:
            referent = evenement.changements["referent"]


def planifier_verdicts(rng, ctx, nombre=NOMBRE_VERDICTS, revus=NOMBRE_VERDICTS_REVUS):
    """[(obligation, [verdicts successifs])] : `nombre` obligations jugées, dont `revus` une seconde fois."""
    choisies = rng.sample(sorted(ctx.obligations, key=lambda c: c.reference), min(nombre, len(ctx.obligations)))
    valeurs = [ValeurVerdict.TENU, ValeurVerdict.PARTIEL, ValeurVerdict.NON_TENU]
    verdicts = []
    for rang, cible in enumerate(choisies):
        suite = [rng.choices(valeurs, weights=[4, 4, 2])[0]]
        if rang < revus:
            suite.append(rng.choice([v for v in valeurs if v != suite[0]]))
        verdicts.append((cible, suite))
    return verdicts
