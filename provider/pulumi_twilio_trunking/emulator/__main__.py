"""``python -m pulumi_twilio_trunking.emulator``: same as ``twilio-trunking-emulator``."""

from .cli import main

raise SystemExit(main())
