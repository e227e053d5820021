"""Fabriques de données de test : chaque test construit le peu qu'il lui faut."""

import factory

from engagements.models import Bloc, Engagement, Obligation, Paragraphe
from protocole.models import Protocole, Quartier, TextePreambule
from signataires.models import (
    Appartenance,
    Habilitation,
    Organisation,
    Partie,
    Representation,
    Signataire,
    Signature,
    Utilisateur,
)


class ProtocoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Protocole

    slug = factory.Sequence(lambda n: f"protocole-{n}")
    titre = "Protocole d'Engagement Renforcé Réciproque"
    intitule_contrat = factory.Sequence(lambda n: f"CONTRAT DE VILLE du Territoire {n} 2015-2022")
    territoire = factory.Sequence(lambda n: f"Territoire {n}")
    annee_debut = 2015
    annee_fin = 2022


class TextePreambuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TextePreambule

    protocole = factory.SubFactory(ProtocoleFactory)
    ordre = factory.Sequence(lambda n: n + 1)
    nature = TextePreambule.Nature.CONTEXTE
    texte = factory.Sequence(lambda n: f"Paragraphe de contexte {n}.")


class QuartierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quartier

    protocole = factory.SubFactory(ProtocoleFactory)
    slug = factory.Sequence(lambda n: f"quartier-{n}")
    nom = factory.Sequence(lambda n: f"Quartier {n}")
    nature = Quartier.Nature.VEILLE_ACTIVE


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    slug = factory.Sequence(lambda n: f"organisation-{n}")
    nom = factory.Sequence(lambda n: f"Organisation {n}")
    categorie = Organisation.Categorie.COLLECTIVITE


class PartieFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partie
        django_get_or_create = ("protocole", "code")

    protocole = factory.SubFactory(ProtocoleFactory)
    code = Partie.Code.PT
    nom = factory.LazyAttribute(lambda o: Partie.Code(o.code).label)
    nom_court = factory.LazyAttribute(lambda o: o.code)
    ordre = factory.LazyAttribute(lambda o: list(Partie.Code.values).index(o.code) + 1)


class AppartenanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appartenance

    partie = factory.SubFactory(PartieFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engagement

    protocole = factory.SubFactory(ProtocoleFactory)
    numero = factory.Sequence(lambda n: n + 1)
    titre = factory.Sequence(lambda n: f"Engagement {n}")


class BlocFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bloc

    engagement = factory.SubFactory(EngagementFactory)
    partie = factory.SubFactory(PartieFactory, protocole=factory.SelfAttribute("..engagement.protocole"))
    ordre = factory.LazyAttribute(lambda o: o.partie.ordre)
    intitule = factory.LazyAttribute(lambda o: f"{o.partie.nom} s'engage à :")


class ObligationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Obligation

    bloc = factory.SubFactory(BlocFactory)
    protocole = factory.SelfAttribute("bloc.engagement.protocole")
    rang = factory.Sequence(lambda n: n + 1)
    reference = factory.LazyAttribute(lambda o: f"{o.bloc.reference}-{o.rang}")
    texte = factory.Sequence(lambda n: f"Obligation numéro {n} ;")


class ParagrapheFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paragraphe

    obligation = factory.SubFactory(ObligationFactory)
    ordre = factory.Sequence(lambda n: n + 1)
    texte = factory.Sequence(lambda n: f"Paragraphe explicatif {n}.")


class SignataireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signataire

    protocole = factory.SubFactory(ProtocoleFactory)
    nom = factory.Sequence(lambda n: f"NOM{n} Prénom")


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signature

    protocole = factory.SubFactory(ProtocoleFactory)
    signataire = factory.SubFactory(SignataireFactory, protocole=factory.SelfAttribute("..protocole"))
    ordre = factory.Sequence(lambda n: n + 1)
    titre = factory.Sequence(lambda n: f"Le Président de l'organisation {n}")


class RepresentationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representation

    signature = factory.SubFactory(SignatureFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class UtilisateurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Utilisateur
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"utilisateur{n}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("mot-de-passe-de-test")


class HabilitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Habilitation

    utilisateur = factory.SubFactory(UtilisateurFactory)
    protocole = factory.SubFactory(ProtocoleFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Habilitation.Role.LECTEUR


def construire_protocole(engagements=2, blocs=2, obligations=2, paragraphes=1, **champs):
    """Un protocole complet de `engagements` × `blocs` (une partie chacun) × `obligations` × `paragraphes`.

    Les tests de pages le construisent en petit puis en dix fois plus grand : le nombre de requêtes doit rester égal.
    """
    protocole = ProtocoleFactory(**champs)
    parties = [PartieFactory(protocole=protocole, code=code) for code in list(Partie.Code.values)[:blocs]]
    for numero in range(1, engagements + 1):
        engagement = EngagementFactory(protocole=protocole, numero=numero)
        for partie in parties:
            bloc = BlocFactory(engagement=engagement, partie=partie)
            for rang in range(1, obligations + 1):
                obligation = ObligationFactory(bloc=bloc, rang=rang)
                for ordre in range(1, paragraphes + 1):
                    ParagrapheFactory(obligation=obligation, ordre=ordre)
    return protocole
