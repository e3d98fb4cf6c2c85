"""How text leaves the program: one escaping function per format (`escape`)."""
