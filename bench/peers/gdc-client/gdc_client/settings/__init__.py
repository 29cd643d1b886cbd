from gdc_client.settings import parser
