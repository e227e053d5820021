// L'administration de Django : les listes à recherche (autocomplete_fields, Select2) n'ont pas de nom accessible
// quand rien n'est choisi, et leur champ de recherche n'a pas d'étiquette. On les relie à l'étiquette du champ
// d'origine. Chargé avec `defer` : après jQuery et autocomplete.js, avant qu'ils n'initialisent Select2.
(function () {
  var jq = window.django && window.django.jQuery;
  if (!jq || !jq.fn.djangoAdminSelect2) {
    return;
  }

  function nommer(select) {
    var etiquette = select.id && document.querySelector('label[for="' + select.id + '"]');
    var conteneur = select.nextElementSibling;
    if (!etiquette || !conteneur) {
      return;
    }
    etiquette.id = etiquette.id || select.id + "-etiquette";
    conteneur.querySelectorAll(".select2-selection, .select2-selection__rendered[role], .select2-search__field").forEach(function (element) {
      var valeur = element.getAttribute("aria-labelledby");
      element.setAttribute("aria-labelledby", valeur ? etiquette.id + " " + valeur : etiquette.id);
    });
  }

  var initialiser = jq.fn.djangoAdminSelect2;
  jq.fn.djangoAdminSelect2 = function () {
    var resultat = initialiser.apply(this, arguments);
    this.each(function (_i, select) {
      nommer(select);
    });
    return resultat;
  };
})();
