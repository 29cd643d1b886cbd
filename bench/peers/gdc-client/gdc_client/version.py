from importlib_metadata import version

__version__ = version("gdc_client")
