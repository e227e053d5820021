"""Les vues des engagements, par parcours : le texte signé, les actions, la liste des actions, les verdicts."""
