#!/usr/bin/env python
from meritline.config.cli import main

if __name__ == "__main__":
    main()
