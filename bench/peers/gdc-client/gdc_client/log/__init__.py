from gdc_client.log.parser import setup_logging

from gdc_client.log import parser
