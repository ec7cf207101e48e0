from dcmaint.cli.main import main

main()
