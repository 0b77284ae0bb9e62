/* A process that does nothing: what any process costs to start and exit on this machine
 * (bench/startup/run.py times it, linked as knob is and linked -static, beside knob). */
int main(void)
{
    return 0;
}
