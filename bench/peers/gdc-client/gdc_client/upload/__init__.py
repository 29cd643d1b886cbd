from gdc_client.upload import parser

from gdc_client.upload.client import GDCUploadClient
