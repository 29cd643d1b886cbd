# gdc-client imports progressbar2 (the PyPI package) as `progressbar`; Debian ships progressbar2 as
# the module `progressbar2` (python3-progressbar2), so that `progressbar` can be the older,
# different package. This name points gdc-client at progressbar2. Benchmarks only.
from progressbar2 import ETA, Bar, FileTransferSpeed, Percentage, ProgressBar  # noqa: F401
