/* libyaml alone: parses a file into events (freeing each), RUNS times in a row (default 1), and
 * prints the number of events and then the milliseconds of each parse (CPU time of the thread,
 * user and system, so other processes on the machine disturb it little). The file is read
 * before the first clock starts. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <yaml.h>

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: events FILE [RUNS]\n"); return 2; }
    int runs = argc > 2 ? atoi(argv[2]) : 1;
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 2; }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buffer = malloc(size > 0 ? size : 1);
    if (!buffer || fread(buffer, 1, size, f) != (size_t)size) { fprintf(stderr, "cannot read %s\n", argv[1]); return 2; }
    fclose(f);

    long events = 0;
    double ms[64];
    if (runs < 1) runs = 1;
    if (runs > 64) runs = 64;
    for (int r = 0; r < runs; r++) {
        struct timespec start, end;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start);
        yaml_parser_t parser;
        yaml_event_t event;
        events = 0;
        if (!yaml_parser_initialize(&parser)) return 1;
        yaml_parser_set_input_string(&parser, buffer, size);
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
        for (;;) {
            if (!yaml_parser_parse(&parser, &event)) { fprintf(stderr, "parse error: %s\n", parser.problem); return 1; }
            int type = event.type;
            yaml_event_delete(&event);
            events++;
            if (type == YAML_STREAM_END_EVENT) break;
        }
        yaml_parser_delete(&parser);
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end);
        ms[r] = (end.tv_sec - start.tv_sec) * 1e3 + (end.tv_nsec - start.tv_nsec) / 1e6;
    }
    printf("%ld", events);
    for (int r = 0; r < runs; r++) printf(" %.3f", ms[r]);
    printf("\n");
    free(buffer);
    return 0;
}
