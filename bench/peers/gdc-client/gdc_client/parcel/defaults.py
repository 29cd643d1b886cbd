# ***************************************************************************************
# Title: LabAdvComp/parcel
# Author: Joshua S. Miller
# Date: May 26, 2016
# Code version: 0.1.13
# Availability: https://github.com/LabAdvComp/parcel
# ***************************************************************************************

tcp_url = "https://localhost"
processes = 8
subcommand = "http"
proxy_host = "localhost"
proxy_port = 9000
# 60 seconds timeout on the server's response
max_timeout = 60
deprecation_header = "GDC_DEPRECATION_WARNING"
