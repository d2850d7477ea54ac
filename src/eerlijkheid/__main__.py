"""``python -m eerlijkheid`` runs the command line."""

from eerlijkheid.cli import main

if __name__ == "__main__":
    main()
