def protocole_courant(request):
    return {
        "protocole": getattr(request, "protocole", None),
        "protocoles": getattr(request, "protocoles", []),
        "habilitation": getattr(request, "habilitation", None),
    }
