"""Le comité de pilotage : ses réunions, leurs décisions, les rapports gelés et les visas des signataires."""
