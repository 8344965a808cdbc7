"""Roles inside a business, as Django groups. Provisioning creates them in every schema."""

OWNER = "owner"
COACH = "coach"
CLIENT = "client"
ROLES = (OWNER, COACH, CLIENT)
