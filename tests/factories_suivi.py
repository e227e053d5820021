"""Fabriques du suivi : actions (créées par Action.creer, donc journalisées) et comptes par rôle."""

import datetime

import factory
from django.utils import timezone

from engagements.models import Action, Frequence, Indicateur, Repere, Sens, Statut, Unite
from signataires.models import Habilitation
from tests.factories import HabilitationFactory, ObligationFactory, OrganisationFactory, UtilisateurFactory


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    obligation = factory.SubFactory(ObligationFactory)
    protocole = factory.SelfAttribute("obligation.protocole")
    titre = factory.Sequence(lambda n: f"Action {n}")
    pilote = factory.SubFactory(OrganisationFactory)
    statut = Statut.EN_COURS
    avancement = 10
    echeance = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    auteur = factory.SubFactory(UtilisateurFactory)
    date_effet = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.creer(**kwargs)


def habilitation(protocole, role, organisation=None, **utilisateur):
    """Un compte qui tient `role` dans `protocole` pour `organisation`."""
    return HabilitationFactory(
        protocole=protocole,
        role=role,
        organisation=organisation or OrganisationFactory(),
        utilisateur=UtilisateurFactory(**utilisateur),
    )


ROLES = Habilitation.Role


class IndicateurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicateur

    obligation = factory.SubFactory(ObligationFactory)
    protocole = factory.SelfAttribute("obligation.protocole")
    reference = factory.Sequence(lambda n: f"IND-{n:02d}")
    nom = factory.Sequence(lambda n: f"Indicateur {n}")
    definition = "Ce qui est compté."
    unite = Unite.PERSONNES
    sens = Sens.HAUSSE
    source = "Fichier du fournisseur"
    fournisseur = factory.SubFactory(OrganisationFactory)
    frequence = Frequence.ANNUELLE


class RepereFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Repere

    indicateur = factory.SubFactory(IndicateurFactory)
    quartier = None
