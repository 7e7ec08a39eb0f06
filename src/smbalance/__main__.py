from smbalance.cli import main

main()
