"""``python -m pulumi_twilio_trunking.cli``: the ``twilio-trunking`` command."""

import sys

from . import main

sys.exit(main())
