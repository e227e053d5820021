"""Parcours du récapitulatif dans Chromium : une chargée de mission reçoit son courriel (boîte en mémoire de Django),
suit le lien de son action en retard, se connecte et arrive sur cette action."""

import datetime
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from comite import rappels
from tests.factories import ObligationFactory, OrganisationFactory, ProtocoleFactory
from tests.factories_suivi import ROLES, ActionFactory, habilitation

CAPTURES = Path("/tmp/captures")
MOT_DE_PASSE = "Un-mot-de-passe-de-parcours-2024"


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_the_digest_link_leads_to_the_late_action(page, live_server, settings):
    settings.SITE_URL = live_server.url
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    aujourdhui = timezone.localdate()
    settings.RAPPELS_JOUR = aujourdhui.weekday()
    protocole = ProtocoleFactory(territoire="Pays Voironnais")
    caf = OrganisationFactory(nom="CAF de l'Isère", sigle="CAF")
    elodie = habilitation(protocole, ROLES.CHARGE_DE_MISSION, caf, first_name="Élodie", last_name="Garnier")
    elodie.utilisateur.set_password(MOT_DE_PASSE)
    elodie.utilisateur.save()
    obligation = ObligationFactory(bloc__engagement__protocole=protocole, protocole=protocole)
    action = ActionFactory(
        obligation=obligation,
        titre="Accueils de loisirs",
        pilote=caf,
        referent=elodie.utilisateur,
        echeance=aujourdhui - datetime.timedelta(days=3),
        date_effet=aujourdhui - datetime.timedelta(days=20),
    )

    rappels.envoyer(protocole)

    assert len(mail.outbox) == 1
    lien = re.search(r"(http://\S+/actions/\d+/)", mail.outbox[0].body).group(1)
    assert lien.endswith(f"/actions/{action.pk}/")
    page.goto(lien)
    page.get_by_label("Identifiant").fill(elodie.utilisateur.username)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(lien)
    expect(page.get_by_role("heading", name="Accueils de loisirs")).to_be_visible()
    expect(page.get_by_text("en retard").first).to_be_visible()
    CAPTURES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=CAPTURES / "rappel-action.png", full_page=True)
