"""vstudy — a reproducible study of volunteering across the regions of Kazakhstan."""

__version__ = "0.1.0"
