from . import parser
from .client import GDCClient
