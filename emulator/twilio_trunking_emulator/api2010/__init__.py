"""API 2010: ``/2010-04-01/Accounts/{AccountSid}/IncomingPhoneNumbers``."""
