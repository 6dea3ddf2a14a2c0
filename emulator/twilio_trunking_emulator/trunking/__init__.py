"""Trunking v1: ``/v1/Trunks`` and ``/v1/Trunks/{TrunkSid}/PhoneNumbers``."""
