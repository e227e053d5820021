"""Les tâches Celery du comité : le rendu d'un rapport, hors de la requête (voir `comite.preparations`)."""

from celery import shared_task

from comite.models import Preparation


@shared_task(name="comite.preparer")
def preparer(pk):
    """Rend la préparation `pk` si elle attend encore (une préparation dont le délai est passé n'est pas rendue :
    la page dit déjà l'échec). Rien n'est écrit avant que le fichier soit complet : un worker tué en plein rendu ne
    laisse qu'une préparation « en cours », que le délai change en échec."""
    from comite.preparations import executer

    preparation = Preparation.commencer(pk)
    if preparation is not None:
        executer(preparation)
