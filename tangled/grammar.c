/* grammar.c: the corpus's grammar; see grammar.h. */
#include "grammar.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

typedef enum { NOUN, VERB, ADJ, DET, SUBJECT, OBJECT, PREP, ADVERB } Part;

enum {  /* kinds of noun, as bits */
    ANIMAL = 1, PERSON = 2, FOOD = 4, THING = 8, TEXT = 16, PLACE = 32,
    LIVING = ANIMAL | PERSON,
    ANYTHING = LIVING | FOOD | THING | TEXT | PLACE
};

enum { SINGULAR, PLURAL, SINGLE, PAIRS };  /* the number of a group */

typedef struct {
    Part part;
    int kinds;          /* noun: its kind; verb: what it takes;
                           adjective: what it describes */
    int number;         /* SINGULAR, PLURAL, SINGLE (either), or PAIRS */
    const char *words;  /* separated by single spaces */
} Group;
static const Group groups[] = {
    {NOUN, ANIMAL, PAIRS,
     "cat cats dog dogs bird birds fox foxes mouse mice rabbit rabbits "
     "horse horses cow cows pig pigs goat goats duck ducks frog frogs "
     "bear bears lion lions tiger tigers wolf wolves owl owls hen hens "
     "bee bees ant ants snake snakes whale whales monkey monkeys puppy "
     "puppies kitten kittens donkey donkeys camel camels zebra zebras "
     "parrot parrots turtle turtles squirrel squirrels goose geese pony "
     "ponies snail snails spider spiders otter otters lamb lambs eagle "
     "eagles crow crows robin robins penguin penguins panda pandas"},
    {NOUN, PERSON, PAIRS,
     "boy boys girl girls man men woman women child children baby babies "
     "teacher teachers farmer farmers baker bakers doctor doctors nurse "
     "nurses king kings queen queens friend friends student students "
     "sister sisters brother brothers mother mothers father fathers "
     "uncle uncles aunt aunts driver drivers painter painters singer "
     "singers dancer dancers clown clowns neighbor neighbors chef chefs "
     "artist artists wizard wizards pirate pirates sailor sailors"},
    {NOUN, FOOD, PAIRS,
     "muffin muffins apple apples cake cakes cookie cookies pie pies "
     "sandwich sandwiches banana bananas orange oranges pear pears plum "
     "plums peach peaches cherry cherries grape grapes carrot carrots "
     "potato potatoes tomato tomatoes egg eggs biscuit biscuits bun buns "
     "donut donuts pancake pancakes pizza pizzas sausage sausages berry "
     "berries lemon lemons melon melons onion onions cupcake cupcakes "
     "olive olives"},
    {NOUN, THING, PAIRS,
     "cap caps hat hats box boxes cup cups bag bags key keys toy toys "
     "kite kites drum drums bell bells chair chairs table tables lamp "
     "lamps clock clocks shoe shoes coat coats scarf scarves ring rings "
     "spoon spoons fork forks knife knives plate plates bowl bowls bottle "
     "bottles basket baskets brush brushes pencil pencils umbrella "
     "umbrellas bicycle bicycles boat boats car cars truck trucks stone "
     "stones flower flowers picture pictures coin coins gift gifts "
     "balloon balloons robot robots doll dolls"},
    {NOUN, TEXT, PAIRS,
     "book books letter letters story stories poem poems note notes map "
     "maps card cards song songs"},
    {NOUN, PLACE, PAIRS,
     "garden gardens park parks kitchen kitchens house houses school "
     "schools forest forests river rivers beach beaches street streets "
     "town towns farm farms shop shops library libraries station stations "
     "market markets field fields hill hills lake lakes barn barns bakery "
     "bakeries cafe cafes garage garages museum museums zoo zoos castle "
     "castles village villages meadow meadows pond ponds cave caves"},
    {VERB, 0, PAIRS,
     "sleeps sleep runs run sings sing laughs laugh waits wait swims swim "
     "jumps jump dances dance smiles smile cries cry plays play walks walk "
     "sits sit rests rest hides hide dreams dream shouts shout whistles "
     "whistle hums hum yawns yawn listens listen hops hop wanders wander"},
    {VERB, FOOD, PAIRS, "eats eat cooks cook bakes bake tastes taste"},
    {VERB, FOOD | THING | TEXT, PAIRS,
     "shares share buys buy sells sell wants want brings bring takes take "
     "drops drop"},
    {VERB, FOOD | THING | TEXT | LIVING, PAIRS,
     "finds find carries carry holds hold"},
    {VERB, THING | TEXT, PAIRS, "loses lose"},
    {VERB, FOOD | THING, PAIRS, "throws throw"},
    {VERB, FOOD | THING | LIVING, PAIRS, "catches catch washes wash"},
    {VERB, THING, PAIRS, "kicks kick breaks break fixes fix"},
    {VERB, THING | LIVING | PLACE, PAIRS, "paints paint draws draw"},
    {VERB, THING | TEXT | PLACE, PAIRS, "opens open"},
    {VERB, TEXT, PAIRS, "reads read writes write"},
    {VERB, ANYTHING, PAIRS, "sees see likes like loves love"},
    {VERB, THING | LIVING, PAIRS,
     "watches watch hugs hug chases chase"},
    {VERB, LIVING, PAIRS,
     "helps help follows follow calls call meets meet feeds feed greets "
     "greet teaches teach"},
    {VERB, LIVING | PLACE, PAIRS, "visits visit"},
    {ADJ, ANYTHING, SINGLE,
     "big small little old new red blue green yellow white black brown pink "
     "purple tiny huge heavy round soft shiny dirty pretty lovely wet dry "
     "warm cold"},
    {ADJ, LIVING, SINGLE,
     "hungry happy sleepy brave clever lazy busy tired sad kind shy angry "
     "silly friendly quiet noisy gentle proud curious lucky cheerful"},
    {ADJ, FOOD, SINGLE,
     "fresh sweet sour tasty ripe juicy crunchy spicy hot"},
    {DET, 0, SINGULAR,
     "the a an this that my your his her our their every one"},
    {DET, 0, PLURAL,
     "the these those my your his her our their some many two three four "
     "five"},
    {SUBJECT, LIVING, SINGULAR, "he she it"},
    {SUBJECT, LIVING, PLURAL, "we you they"},
    {OBJECT, LIVING, SINGLE, "him her it us you them me"},
    {PREP, 0, SINGLE,
     "in on at near behind under by beside inside outside"},
    {ADVERB, 0, SINGLE,
     "today again often now quietly slowly quickly happily loudly early "
     "tonight gently"},
};
typedef struct {
    const char *text;
    Part part;
    int kinds;   /* as in the word's group */
    int plural;  /* 0 singular, 1 plural, -1 either */
} Entry;

enum { MAX_ENTRIES = 640, TEXT_ROOM = 4608 };
static Entry entries[MAX_ENTRIES];
static int n_entries;
static char text[TEXT_ROOM];             /* the words, each ended by 0 */
static const Entry *sorted[MAX_ENTRIES]; /* entries by text, for lookup */

static void add_group(const Group *g, char **room)
{
    const char *w = g->words;
    for (int i = 0; *w; i++) {
        size_t len = strcspn(w, " ");
        assert(n_entries < MAX_ENTRIES && *room + len < text + TEXT_ROOM);
        Entry *e = &entries[n_entries++];
        memcpy(*room, w, len);
        (*room)[len] = '\0';
        e->text = *room;
        *room += len + 1;
        e->part = g->part;
        e->kinds = g->kinds;
        e->plural = g->number == PAIRS ? i % 2
                  : g->number == SINGLE ? -1
                  : g->number == PLURAL;
        w += len + (w[len] == ' ');
    }
}
static int by_text(const void *a, const void *b)
{
    const Entry *x = *(const Entry *const *)a, *y = *(const Entry *const *)b;
    int c = strcmp(x->text, y->text);
    return c ? c : (x > y) - (x < y);
}

static void make_entries(void)
{
    if (n_entries)
        return;
    char *room = text;
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
        add_group(&groups[g], &room);
    for (int i = 0; i < n_entries; i++)
        sorted[i] = &entries[i];
    qsort(sorted, n_entries, sizeof sorted[0], by_text);
}

/* The first of word's entries in sorted[], and how many there are. */
static int lookup(const char *word, int *count)
{
    int lo = 0, hi = n_entries;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (strcmp(sorted[mid]->text, word) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    int n = 0;
    while (lo + n < n_entries && strcmp(sorted[lo + n]->text, word) == 0)
        n++;
    *count = n;
    return lo;
}
enum { ANY_KIND = -1 };

static int fits(const Entry *e, Part part, int kinds, int plural)
{
    return e->part == part
        && (kinds == ANY_KIND || (e->kinds & kinds))
        && (plural < 0 || e->plural < 0 || e->plural == plural);
}

static int starts_with_vowel(const char *w)
{
    return strchr("aeiou", w[0]) != NULL;
}
int grammar_words(void)
{
    make_entries();
    int n = 0;
    for (int i = 0; i < n_entries; i++)
        n += i == 0 || strcmp(sorted[i - 1]->text, sorted[i]->text) != 0;
    return n;
}

const char *grammar_word(int k)
{
    make_entries();
    for (int i = 0; i < n_entries; i++)
        if ((i == 0 || strcmp(sorted[i - 1]->text, sorted[i]->text) != 0)
            && k-- == 0)
            return sorted[i]->text;
    return NULL;
}
/* One of the entries that fit, each as likely as the others. */
static const Entry *draw(Rng *r, Part part, int kinds, int plural)
{
    int n = 0;
    for (int i = 0; i < n_entries; i++)
        n += fits(&entries[i], part, kinds, plural);
    assert(n > 0);
    int k = (int)rng_below(r, (uint32_t)n);
    int i = 0;
    for (;; i++)
        if (fits(&entries[i], part, kinds, plural) && k-- == 0)
            break;
    return &entries[i];
}

static int chance(Rng *r, double p)
{
    return rng_random(r) < p;
}

typedef struct {
    const char *w[2 * GRAMMAR_MAX_WORDS];
    int n;
} Draft;

static void put(Draft *d, const char *word)
{
    if (d->n < 2 * GRAMMAR_MAX_WORDS)
        d->w[d->n] = word;
    d->n++; /* a draft that overflows is too long, and is drawn again */
}
static void draw_noun_phrase(Rng *r, Draft *d, int kinds, int plural)
{
    const Entry *noun = draw(r, NOUN, kinds, plural);
    const Entry *adj = chance(r, 0.3) ? draw(r, ADJ, noun->kinds, -1)
                                      : NULL;
    if (!plural || chance(r, 0.7)) {
        const Entry *det;
        do
            det = draw(r, DET, ANY_KIND, plural);
        while (strcmp(det->text, "an") == 0);
        const char *next = adj ? adj->text : noun->text;
        int an = strcmp(det->text, "a") == 0 && starts_with_vowel(next);
        put(d, an ? "an" : det->text);
    }
    if (adj)
        put(d, adj->text);
    put(d, noun->text);
}

static void draw_object(Rng *r, Draft *d, int kinds)
{
    if ((kinds & LIVING) && chance(r, 0.15))
        put(d, draw(r, OBJECT, ANY_KIND, -1)->text);
    else
        draw_noun_phrase(r, d, kinds, (int)rng_below(r, 2));
}

static void draw_sentence(Rng *r, Draft *d)
{
    int plural = (int)rng_below(r, 2);
    if (chance(r, 0.2))
        put(d, draw(r, SUBJECT, ANY_KIND, plural)->text);
    else
        draw_noun_phrase(r, d, LIVING, plural);
    const Entry *verb = draw(r, VERB, ANY_KIND, plural);
    put(d, verb->text);
    if (verb->kinds)
        draw_object(r, d, verb->kinds);
    if (chance(r, 0.3)) {
        put(d, draw(r, PREP, ANY_KIND, -1)->text);
        draw_noun_phrase(r, d, PLACE, (int)rng_below(r, 2));
    }
    if (chance(r, 0.2))
        put(d, draw(r, ADVERB, ANY_KIND, -1)->text);
}
void grammar_draw(Rng *r, char *out)
{
    make_entries();
    Draft d;
    do {
        d.n = 0;
        draw_sentence(r, &d);
    } while (d.n < GRAMMAR_MIN_WORDS || d.n > GRAMMAR_MAX_WORDS);
    out[0] = '\0';
    for (int i = 0; i < d.n; i++) {
        if (i)
            strcat(out, " ");
        strcat(out, d.w[i]);
    }
}
typedef struct {
    const char *w[GRAMMAR_MAX_WORDS];
    int n;
} Words;

/* Can word i be read as part, of one of kinds, in number plural? */
static int word_is(const Words *s, int i, Part part, int kinds, int plural)
{
    if (i >= s->n)
        return 0;
    int n, first = lookup(s->w[i], &n);
    for (int k = first; k < first + n; k++)
        if (fits(sorted[k], part, kinds, plural))
            return 1;
    return 0;
}

/* Is word i an adjective that describes word i + 1, a noun? */
static int adj_noun(const Words *s, int i, int kinds, int plural)
{
    if (i + 1 >= s->n)
        return 0;
    int na, a = lookup(s->w[i], &na), nn, n = lookup(s->w[i + 1], &nn);
    for (int j = n; j < n + nn; j++)
        if (fits(sorted[j], NOUN, kinds, plural))
            for (int k = a; k < a + na; k++)
                if (fits(sorted[k], ADJ, sorted[j]->kinds, -1))
                    return 1;
    return 0;
}
static unsigned adj_and_noun(const Words *s, int i, int kinds, int plural)
{
    unsigned ends = 0;
    if (word_is(s, i, NOUN, kinds, plural))
        ends |= 1u << (i + 1);
    if (adj_noun(s, i, kinds, plural))
        ends |= 1u << (i + 2);
    return ends;
}

static int article_fits(const char *det, const char *next)
{
    if (strcmp(det, "a") == 0)
        return !starts_with_vowel(next);
    if (strcmp(det, "an") == 0)
        return starts_with_vowel(next);
    return 1;
}

static unsigned noun_phrase(const Words *s, int i, int kinds, int plural)
{
    unsigned ends = plural ? adj_and_noun(s, i, kinds, plural) : 0;
    if (word_is(s, i, DET, ANY_KIND, plural) && i + 1 < s->n
        && article_fits(s->w[i], s->w[i + 1]))
        ends |= adj_and_noun(s, i + 1, kinds, plural);
    return ends;
}

static unsigned object(const Words *s, int i, int kinds)
{
    unsigned ends = noun_phrase(s, i, kinds, 0) | noun_phrase(s, i, kinds, 1);
    if ((kinds & LIVING) && word_is(s, i, OBJECT, ANY_KIND, -1))
        ends |= 1u << (i + 1);
    return ends;
}
static int ends_well(const Words *s, unsigned ends)
{
    unsigned placed = ends;  /* with a place, or without */
    for (int i = 0; i < s->n; i++)
        if ((ends >> i & 1) && word_is(s, i, PREP, ANY_KIND, -1))
            placed |= noun_phrase(s, i + 1, PLACE, 0)
                    | noun_phrase(s, i + 1, PLACE, 1);
    unsigned done = placed;  /* with an adverb, or without */
    for (int i = 0; i < s->n; i++)
        if ((placed >> i & 1) && word_is(s, i, ADVERB, ANY_KIND, -1))
            done |= 1u << (i + 1);
    return done >> s->n & 1;
}
static int parses(const Words *s)
{
    for (int plural = 0; plural < 2; plural++) {
        unsigned subject = noun_phrase(s, 0, LIVING, plural);
        if (word_is(s, 0, SUBJECT, ANY_KIND, plural))
            subject |= 1u << 1;
        for (int v = 1; v < s->n; v++) {
            if (!(subject >> v & 1))
                continue;
            int n, first = lookup(s->w[v], &n);
            for (int k = first; k < first + n; k++) {
                const Entry *verb = sorted[k];
                if (!fits(verb, VERB, ANY_KIND, plural))
                    continue;
                unsigned after = verb->kinds
                               ? object(s, v + 1, verb->kinds)
                               : 1u << (v + 1);
                if (ends_well(s, after))
                    return 1;
            }
        }
    }
    return 0;
}
int grammar_accepts(const char *sentence)
{
    make_entries();
    char copy[GRAMMAR_MAX_CHARS + 1];
    if (strlen(sentence) > GRAMMAR_MAX_CHARS)
        return 0;
    strcpy(copy, sentence);
    Words s = {.n = 0};
    for (char *w = copy; ; ) {
        size_t len = strcspn(w, " ");
        if (len == 0 || s.n == GRAMMAR_MAX_WORDS)
            return 0;
        s.w[s.n++] = w;
        if (w[len] == '\0')
            break;
        w[len] = '\0';
        w += len + 1;
    }
    return s.n >= GRAMMAR_MIN_WORDS && parses(&s);
}

int grammar_accepted(char *const *sentences, int n)
{
    int yes = 0;
    for (int i = 0; i < n; i++)
        yes += grammar_accepts(sentences[i]);
    return yes;
}
