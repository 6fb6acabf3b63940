"""Microsoft Teams: sending through the Bot Connector, Adaptive Cards, installations."""
