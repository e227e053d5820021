// Le sélecteur cherchable (protocole/selecteur.py) : avec JavaScript, Entrée dans son champ de recherche refait la
// liste en place (htmx) au lieu d'envoyer tout le formulaire ; sans JavaScript, le bouton « Chercher » le fait.
(function () {
  if (window.selecteurCherchablePret) {
    return;
  }
  window.selecteurCherchablePret = true;
  document.addEventListener("keydown", function (evenement) {
    var cible = evenement.target;
    if (evenement.key === "Enter" && cible.matches && cible.matches("input[data-selecteur]")) {
      evenement.preventDefault();
      if (window.htmx) {
        window.htmx.trigger(cible, "search");
      }
    }
  });
})();
