from newsearch.cli import main

# Guarded: worker processes started with "spawn" or "forkserver" import this module again.
if __name__ == "__main__":
    main()
