"""Partners (Pokmas Lipas), their services, referrals and partner feedback."""
