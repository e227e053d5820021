"""Au clavier seul, dans Chromium : se connecter, atteindre une action en retard, la mettre à jour, télécharger un
rapport. Chaque touche de navigation compte (Tab, Maj+Tab, Entrée, Espace, flèches ; le texte tapé ne compte pas) ;
après chacune, l'élément qui a le focus se voit."""

import pytest
from django.urls import reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from engagements.models import Statut
from tests.factories_suivi import ROLES
from tests.navigateur.test_suivi import EN_RETARD, MOT_DE_PASSE, _capture, _compte, _protocole_suivi

NAVIGATION = {"Tab", "Shift+Tab", "Enter", "Space", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"}
MAXIMUM_JUSQU_A_LA_MISE_A_JOUR = 30

# Ce qui rend le focus visible : un contour ou une ombre (Bootstrap), sur un élément qui n'est pas réduit à un pixel
# (un lien d'évitement reprend sa taille quand il a le focus).
FOCUS_VISIBLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "aucun élément n'a le focus";
  const style = getComputedStyle(el);
  const contour = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const ombre = style.boxShadow !== "none";
  const boite = el.getBoundingClientRect();
  const description = `${el.tagName} ${el.id || el.className || ""} « ${(el.textContent || "").trim().slice(0, 40)} »`;
  if (!contour && !ombre) return `focus invisible : ${description}`;
  if (boite.width <= 1 || boite.height <= 1) return `focus sur un élément masqué : ${description}`;
  return "";
}"""


class Clavier:
    """Le clavier de la page, qui compte les touches de navigation et vérifie après chacune que le focus se voit."""

    def __init__(self, page):
        # Sans animations (ce que demandent bien des personnes qui naviguent au clavier) : l'ombre de focus de
        # Bootstrap est là tout de suite, au lieu d'arriver par une transition que la charge de la machine ralentit.
        page.emulate_media(reduced_motion="reduce")
        self.page = page
        self.touches = 0
        self.focus_invisibles = []

    def appuyer(self, touche, fois=1):
        assert touche in NAVIGATION, touche
        for _ in range(fois):
            self.page.keyboard.press(touche)
            self.touches += 1
            self._verifier_le_focus()

    def taper(self, texte):
        self.page.keyboard.type(texte)

    def tab_jusqu_a(self, locator, touche="Tab", maximum=60):
        """Tab (ou Maj+Tab) jusqu'à ce que `locator` ait le focus."""
        for _ in range(maximum):
            if locator.evaluate("el => el === document.activeElement"):
                return
            self.appuyer(touche)
        raise AssertionError(f"{locator} jamais atteint en {maximum} appuis sur {touche}")

    def _verifier_le_focus(self):
        # Une touche qui change de page détruit le document pendant qu'on l'interroge : on attend le suivant. Sur un
        # document neuf, rien n'a encore le focus : rien à vérifier.
        # Un style de focus qui n'arrive qu'après coup compte aussi : on regarde jusqu'à 2 s.
        probleme = "aucun élément n'a le focus (document en cours de chargement)"
        for _ in range(20):
            try:
                self.page.wait_for_load_state()
                probleme = self.page.evaluate(FOCUS_VISIBLE)
            except PlaywrightError:
                continue
            if not probleme or "aucun élément" in probleme:
                return
            self.page.wait_for_timeout(100)
        if "aucun élément" not in probleme:
            self.focus_invisibles.append(f"{self.page.url} : {probleme}")


@pytest.mark.navigateur
@pytest.mark.django_db(transaction=True)
def test_a_keyboard_user_updates_a_late_action_in_fewer_than_30_keys_and_downloads_a_report(page, live_server):
    protocole, caf, actions = _protocole_suivi()
    elodie = _compte(protocole, ROLES.CHARGE_DE_MISSION, caf, first_name="Élodie", last_name="Garnier")
    retard = actions[EN_RETARD]
    clavier = Clavier(page)

    # La connexion : le champ Identifiant a le focus dès l'arrivée.
    page.goto(live_server.url + reverse("connexion"))
    expect(page.get_by_label("Identifiant")).to_be_focused()
    clavier.taper(elodie.username)
    clavier.appuyer("Tab")
    clavier.taper(MOT_DE_PASSE)
    clavier.appuyer("Enter")
    expect(page).to_have_url(live_server.url + reverse("mes_actions"))

    # « Mes actions » : le deuxième lien d'évitement mène à la première action en retard.
    clavier.appuyer("Tab", 2)
    expect(page.get_by_role("link", name="Aller aux actions en retard")).to_be_focused()
    clavier.appuyer("Enter")
    expect(page.get_by_role("link", name=EN_RETARD)).to_be_focused()
    clavier.appuyer("Enter")
    expect(page).to_have_url(live_server.url + reverse("action", args=[retard.pk]))

    # La page de l'action : « Aller à la mise à jour » donne le focus au statut.
    clavier.appuyer("Tab", 2)
    expect(page.get_by_role("link", name="Aller à la mise à jour")).to_be_focused()
    clavier.appuyer("Enter")
    suivi = page.locator("#suivi")
    statut = suivi.get_by_label("Statut")
    expect(statut).to_be_focused()
    clavier.appuyer("ArrowUp")  # en cours → à venir
    expect(statut).to_have_value(Statut.A_VENIR)
    clavier.appuyer("Tab")
    expect(suivi.get_by_label("Avancement (%)")).to_be_focused()
    clavier.taper("45")
    clavier.tab_jusqu_a(suivi.get_by_label("Commentaire"))
    clavier.taper("Reprise prévue avec un troisième centre.")
    clavier.tab_jusqu_a(suivi.get_by_role("button", name="Enregistrer la mise à jour"))
    _capture(page, "clavier-1-formulaire")
    clavier.appuyer("Enter")

    # Enregistrée en place : le focus est sur le message.
    message = suivi.locator(".alert-success")
    expect(message).to_have_text("Mise à jour enregistrée au journal.")
    expect(message).to_be_focused()
    jusqu_a_la_mise_a_jour = clavier.touches
    retard.refresh_from_db()
    assert (retard.statut, retard.avancement, retard.version) == (Statut.A_VENIR, 45, 2)
    _capture(page, "clavier-2-enregistree")

    # Un rapport : remonter jusqu'au menu « Rapports », puis le bouton du formulaire.
    clavier.tab_jusqu_a(page.get_by_role("link", name="Rapports", exact=True), touche="Shift+Tab")
    clavier.appuyer("Enter")
    expect(page).to_have_url(live_server.url + reverse("rapports"))
    clavier.tab_jusqu_a(page.get_by_role("button", name="Télécharger le rapport (PDF)"))
    with page.expect_download() as telechargement:
        clavier.appuyer("Enter")
    chemin = telechargement.value.path()
    assert telechargement.value.suggested_filename.endswith(".pdf")
    with open(chemin, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    print(f"\nTouches de navigation : {jusqu_a_la_mise_a_jour} jusqu'à la mise à jour, {clavier.touches} en tout")
    assert jusqu_a_la_mise_a_jour < MAXIMUM_JUSQU_A_LA_MISE_A_JOUR
    assert clavier.focus_invisibles == []
