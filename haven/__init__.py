"""Haven: case management and reporting for centres that support victims of human trafficking."""
