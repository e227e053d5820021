// Après une mise à jour en place (htmx), le focus va au message (succès, erreur ou conflit) plutôt qu'en haut de page.
document.addEventListener("htmx:afterSwap", function () {
  var cible = document.querySelector("[data-focus-apres-htmx]");
  if (cible) {
    cible.focus();
  }
});
