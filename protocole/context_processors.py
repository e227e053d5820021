def protocole_courant(request):
    return {"protocole": getattr(request, "protocole", None)}
