from gdc_client.parcel.http_client import HTTPClient
from gdc_client.parcel.portability import colored
