"""planqa: grounded question answering over Japan's AI Basic Plan outline and the AI Act."""

__version__ = "0.1.0"
