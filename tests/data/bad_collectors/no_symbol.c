/*
 * no_symbol.c — a shared object that is not a collector at all (it exports
 * no pejl_collector); test_config checks that pejld says so, naming the file.
 */
__attribute__((visibility("default"))) int not_a_collector(void);

int not_a_collector(void)
{
    return 42;
}
