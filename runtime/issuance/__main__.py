import sys

from runtime.issuance.process import main

sys.exit(main())
