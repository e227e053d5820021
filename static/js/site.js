// Après une mise à jour en place (htmx), le focus va au message (succès, erreur ou conflit) plutôt qu'en haut de page.
document.addEventListener("htmx:afterSwap", function () {
  var cible = document.querySelector("[data-focus-apres-htmx]");
  if (cible) {
    cible.focus();
  }
});

// Une requête htmx qui échoue (refus, erreur du serveur, réseau coupé) ne remplace rien : sans ceci, la page resterait
// muette. Le message va dans la zone #erreur-htmx de base.html (aria-live, role="alert" une fois remplie), que les
// lecteurs d'écran annoncent.
(function () {
  var PEUT_ETRE =
    " La mise à jour n'a peut-être pas été enregistrée : rechargez la page pour le vérifier avant de recommencer.";
  var MESSAGES = {
    400: "La demande n'a pas été acceptée (invalide ou trop volumineuse) : rien n'a été enregistré. Rechargez la page et recommencez.",
    403: "Action refusée : votre rôle ne le permet plus ou votre session a expiré. Rechargez la page (reconnectez-vous au besoin) : rien n'a été enregistré.",
    404: "Cette page n'existe plus ou ne vous est plus accessible : rechargez-la. Rien n'a été enregistré.",
    413: "La demande est trop volumineuse : rien n'a été enregistré. Raccourcissez votre saisie et recommencez.",
  };

  function zone() {
    return document.getElementById("erreur-htmx");
  }

  function annoncer(message) {
    var cible = zone();
    if (!cible) {
      return;
    }
    cible.textContent = message;
    cible.className = "alert alert-danger";
    cible.setAttribute("role", "alert");
    cible.focus();
  }

  document.addEventListener("htmx:beforeRequest", function () {
    var cible = zone();
    if (cible) {
      cible.textContent = "";
      cible.className = "";
      cible.removeAttribute("role");
    }
  });

  document.addEventListener("htmx:responseError", function (evenement) {
    var statut = evenement.detail.xhr.status;
    annoncer(MESSAGES[statut] || "Le serveur a rencontré une erreur (code " + statut + ")." + PEUT_ETRE);
  });

  document.addEventListener("htmx:sendError", function () {
    annoncer("Le serveur ne répond pas : vérifiez votre connexion." + PEUT_ETRE);
  });
})();

// Les textes limités (data-compteur) disent ce qu'il reste de caractères, dans la zone polie qui les suit
// (data-compteur-de) ; sans JavaScript, l'attribut maxlength et l'aide du champ disent la limite.
(function () {
  function compter(champ) {
    var zone = document.querySelector('[data-compteur-de="' + champ.id + '"]');
    if (!zone) {
      return;
    }
    var limite = parseInt(champ.getAttribute("data-compteur"), 10);
    zone.textContent = champ.value.length + " / " + limite + " caractères";
  }
  document.querySelectorAll("textarea[data-compteur]").forEach(function (champ) {
    compter(champ);
    champ.addEventListener("input", function () {
      compter(champ);
    });
  });
})();
