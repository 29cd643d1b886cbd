from . import parser
from .auth import GDCTokenAuth
