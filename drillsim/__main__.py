"""``python -m drillsim`` runs the command line."""

from drillsim.cli import main

if __name__ == "__main__":
    main()
