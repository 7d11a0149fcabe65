"""Carbon accounts, dual control and product footprints from files (see :mod:`pioneer.carbon.service`)."""
