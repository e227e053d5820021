"""Les vues des signataires, par parcours : la page publique des signataires, les comptes et les invitations."""
