"""Compensation area: agreements as data, statements (:mod:`pioneer.compensation.service`)."""
