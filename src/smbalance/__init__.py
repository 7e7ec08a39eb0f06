"""smbalance: is your small business balancing sales and marketing?"""

__version__ = "0.1.0"
