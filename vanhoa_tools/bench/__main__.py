"""`python -m vanhoa_tools.bench` (`make bench`)."""

import sys

from vanhoa_tools.bench.run import main

sys.exit(main())
