class ApiTokenAuthentication:
    pass
