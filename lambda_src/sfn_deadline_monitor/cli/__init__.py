"""The commands' shared plumbing (finding a deployed module, exit statuses) and the
``check`` and ``status`` commands; ``__main__`` dispatches them."""
