"""initbench's PyTorch side: the twins of its architectures (``initbench_torch.models``).

Import with ``pytorch/`` on ``sys.path``; the scripts beside this package do so themselves.
"""
