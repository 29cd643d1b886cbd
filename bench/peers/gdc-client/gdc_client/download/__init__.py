from gdc_client.download import parser
